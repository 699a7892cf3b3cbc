import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IMPORT_STATUSES } from '../../domain/import-status';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { Connection } from './connection.type';

export const ImportStatusEnum = Object.fromEntries(IMPORT_STATUSES.map((s) => [s, s])) as { [K in (typeof IMPORT_STATUSES)[number]]: K };

registerEnumType(ImportStatusEnum, {
  name: 'ImportStatus',
  description: 'Where an import is.',
  valuesConfig: {
    AWAITING_FILE: { description: 'Created; upload its file with PUT /imports/{id}/file.' },
    QUEUED: { description: 'The file is stored; the import waits for a worker.' },
    RUNNING: { description: 'Rows are being applied (the counters move as batches commit).' },
    SUCCEEDED: { description: 'Every row was applied or rejected (see rowsRejected and errorsUrl).' },
    FAILED: { description: 'The file could not be imported (see error), for example a required column is missing.' },
    CANCELLED: { description: 'Cancelled; batches applied before the cancel stay applied.' },
  },
});

@InputType({ description: 'How to read the file.' })
export class ImportOptionsInput {
  @Field(() => String, { nullable: true, description: 'Field delimiter: "," (default), ";", "\\t" (tab) or "|".' })
  delimiter?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Parse and check the whole file and report what would be created, updated and rejected, writing nothing.' })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The file name, for people reading the job list.' })
  fileName?: string | null;
}

@ObjectType({ description: 'A row of the file that was not applied.', simpleResolvers: true })
export class ImportRejection {
  @Field(() => Int, { description: 'The data row (1 is the first row after the header).' })
  row!: number;

  @Field(() => String, { nullable: true, description: 'The header of the first column at fault; null for a problem with the whole row.' })
  column!: string | null;

  @Field({ description: 'Every problem of the row, "column: reason; …".' })
  error!: string;

  @Field(() => [String], { description: 'The row as it was read.' })
  fields!: string[];
}

@ObjectType({ description: 'A file import and its progress. Counters move as batches commit.', simpleResolvers: true })
export class Import {
  @Field(() => ID, { description: 'The import ID.' })
  id!: string;

  @Field({ description: 'customers, email_list, purchases, email_optins or unsubscribes.' })
  kind!: string;

  @Field(() => ImportStatusEnum, { description: 'Where the import is.' })
  status!: keyof typeof ImportStatusEnum;

  @Field({ description: 'True for a dry run: the counters say what would happen; nothing was written.' })
  dryRun!: boolean;

  @Field(() => JSONObjectScalar, { description: 'The explicit column mapping (header → field, custom.<key>, or null).' })
  mapping!: Record<string, unknown>;

  @Field({ description: 'The field delimiter of the file.' })
  delimiter!: string;

  @Field(() => String, { nullable: true, description: 'The file name given at creation.' })
  fileName!: string | null;

  @Field({ description: 'Where to PUT the file (same API key), while the status is AWAITING_FILE.' })
  uploadUrl!: string;

  @Field({ description: 'The rejected rows as CSV: the original row plus an error column (GET, same API key).' })
  errorsUrl!: string;

  @Field(() => Float, { nullable: true, description: 'Size of the uploaded file.' })
  bytesTotal!: number | null;

  @Field(() => Float, { description: 'Bytes of the file read so far.' })
  bytesProcessed!: number;

  @Field(() => Int, { description: 'Data rows read.' })
  rowsRead!: number;

  @Field(() => Int, { description: 'Rows that created a profile (purchases: an event).' })
  rowsCreated!: number;

  @Field(() => Int, { description: 'Rows that changed an existing profile.' })
  rowsUpdated!: number;

  @Field(() => Int, { description: 'Rows that changed nothing (already so; a repeat of an earlier row; a purchase already imported).' })
  rowsUnchanged!: number;

  @Field(() => Int, { description: 'Rows rejected (see rejections and errorsUrl).' })
  rowsRejected!: number;

  @Field(() => [String], { nullable: true, description: 'The header row of the file, once read.' })
  headers!: string[] | null;

  @Field(() => [String], { description: 'Columns that map to no field: reported, not imported. Map them explicitly (or to null) to change that.' })
  unknownColumns!: string[];

  @Field(() => String, { nullable: true, description: 'Why the import failed.' })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Who created it (key:<prefix>).' })
  createdBy!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a worker first started applying it.' })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it ended.' })
  finishedAt!: Date | null;
}

@ObjectType({ description: 'A page of imports, newest first.' })
export class ImportConnection extends Connection(Import, 'Import', 'imports') {}

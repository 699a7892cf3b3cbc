import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ExportFormatEnum, ExportStatusEnum, FormulaHandlingEnum } from '../enums';
import { DateTimeScalar } from '../scalars';
import { Connection } from './connection.type';

@ObjectType({ description: 'An export job: a saved segment\'s members at asOf, written to a file by the job runner and downloaded with the same API key.', simpleResolvers: true })
export class AudienceExport {
  @Field(() => ID, { description: 'The export ID (exp_…).' })
  id!: string;

  @Field(() => ID, { description: 'The saved segment it exports.' })
  segmentId!: string;

  @Field(() => ExportFormatEnum, { description: 'The file format.' })
  format!: 'CSV' | 'JSONL';

  @Field({ description: 'Whether the file is gzip-compressed.' })
  gzip!: boolean;

  @Field(() => DateTimeScalar, { description: 'The instant the segment is evaluated at: the file has exactly count(asOf) rows.' })
  asOf!: Date;

  @Field(() => [String], { nullable: true, description: 'The columns asked for, in order; null for every exportable column. Dimensions are never columns.' })
  columns!: string[] | null;

  @Field(() => FormulaHandlingEnum, { description: 'How CSV free text that starts like a formula is written (KEEP for JSON Lines).' })
  formulas!: 'ESCAPE' | 'KEEP';

  @Field(() => ExportStatusEnum, { description: 'Where the job is.' })
  status!: string;

  @Field(() => Float, { nullable: true, description: 'Rows in the file (members exported); null until it succeeded.' })
  rows!: number | null;

  @Field(() => Float, { nullable: true, description: 'Size of the file in bytes (compressed, with gzip); null until it succeeded.' })
  bytes!: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed, for people; never SQL or a stack trace.' })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Where to download the file (a path on this server, e.g. /exports/files/exp_…), with the same API key; null unless SUCCEEDED.' })
  downloadUrl!: string | null;

  @Field({ description: 'Who created it (key:<prefix>).' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When its (last) run started.' })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it succeeded or failed.' })
  finishedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Milliseconds from the start of its last run to its end.' })
  durationMs!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when the file may be downloaded (EXPORT_TTL_HOURS after it finished); then it is deleted.' })
  expiresAt!: Date | null;
}

@ObjectType({ description: 'Export jobs, newest first.' })
export class AudienceExportConnection extends Connection(AudienceExport, 'AudienceExport', 'exports') {}

import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';

@InputType({ description: 'A managed feed: an SFTP folder polled on a schedule; each new matching file is imported.' })
export class FeedInput {
  @Field({ description: 'Unique name in the namespace.' })
  name!: string;

  @Field({ description: 'The import kind of its files: customers, email_list, purchases, email_optins or unsubscribes.' })
  kind!: string;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Column mapping, as for createImport.' })
  mapping?: Record<string, string | null> | null;

  @Field(() => String, { nullable: true, description: 'Field delimiter (default ",").' })
  delimiter?: string | null;

  @Field({ description: 'SFTP host.' })
  host!: string;

  @Field(() => Int, { nullable: true, description: 'SFTP port (default 22).' })
  port?: number | null;

  @Field({ description: 'SFTP user.' })
  username!: string;

  @Field(() => String, { nullable: true, description: 'Password (exactly one of password or privateKey). Stored encrypted; never returned.' })
  password?: string | null;

  @Field(() => String, { nullable: true, description: 'Private key in OpenSSH or PEM form. Stored encrypted; never returned.' })
  privateKey?: string | null;

  @Field(() => String, { nullable: true, description: 'Remote folder (default the login folder). processed/ and failed/ are made inside it.' })
  remoteDir?: string | null;

  @Field(() => String, { nullable: true, description: 'Pinned host key, SHA256:… as `ssh-keygen -lf` prints it. A server with another key is refused.' })
  hostKeySha256?: string | null;

  @Field(() => String, { nullable: true, description: 'File name pattern with * and ? (default *.csv).' })
  pattern?: string | null;

  @Field({ description: 'Cron schedule: five fields (minute hour day month weekday), or six with seconds first.' })
  cron!: string;

  @Field(() => String, { nullable: true, description: 'IANA time zone of the schedule (default UTC).' })
  timezone?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  enabled?: boolean | null;
}

@ObjectType({ description: 'A file a feed run saw.', simpleResolvers: true })
export class FeedFile {
  @Field({ description: 'File name in the remote folder.' })
  name!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size!: number;

  @Field({ description: 'SHA-256 of the content (hex).' })
  sha256!: string;

  @Field({ description: 'IMPORTED (moved to processed/), REJECTED_ROWS (imported, rejected rows; moved to failed/ with its .errors.csv), FAILED (moved to failed/ with its .error.txt), SKIPPED (already imported).' })
  outcome!: string;

  @Field(() => ID, { nullable: true, description: 'The import job of the file.' })
  importId!: string | null;

  @Field(() => String, { nullable: true, description: 'What went wrong, or why it was skipped.' })
  error!: string | null;
}

@ObjectType({ description: 'One run of a feed.', simpleResolvers: true })
export class FeedRun {
  @Field(() => ID, { description: 'The run ID.' })
  id!: string;

  @Field({ description: 'RUNNING, SUCCEEDED, FAILED or CANCELLED.' })
  status!: string;

  @Field(() => Int, { description: 'Matching files seen.' })
  filesSeen!: number;

  @Field(() => Int, { description: 'Files imported (with or without rejected rows).' })
  filesImported!: number;

  @Field(() => Int, { description: 'Files skipped as already imported.' })
  filesSkipped!: number;

  @Field(() => Int, { description: 'Files moved to failed/.' })
  filesFailed!: number;

  @Field(() => String, { nullable: true, description: 'Why the run failed (for example a host key that does not match).' })
  error!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it started.' })
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it ended.' })
  finishedAt!: Date | null;

  @Field(() => [FeedFile], { description: 'The files of the run.' })
  files!: FeedFile[];
}

@ObjectType({ description: 'A managed feed. Its password or key is never returned.', simpleResolvers: true })
export class Feed {
  @Field(() => ID, { description: 'The feed ID.' })
  id!: string;

  @Field({ description: 'Its name.' })
  name!: string;

  @Field({ description: 'The import kind of its files.' })
  kind!: string;

  @Field(() => JSONObjectScalar, { description: 'Column mapping.' })
  mapping!: Record<string, unknown>;

  @Field({ description: 'sftp://user@host:port/folder' })
  source!: string;

  @Field({ description: 'PASSWORD or PRIVATE_KEY.' })
  authMethod!: string;

  @Field(() => String, { nullable: true, description: 'The pinned host key, if any.' })
  hostKeySha256!: string | null;

  @Field({ description: 'File name pattern.' })
  pattern!: string;

  @Field({ description: 'Cron schedule.' })
  cron!: string;

  @Field({ description: 'Time zone of the schedule.' })
  timezone!: string;

  @Field({ description: 'Whether the schedule runs.' })
  enabled!: boolean;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;
}

@ObjectType({ description: 'A feed run that was queued (or was already queued or running: one run at a time).', simpleResolvers: true })
export class FeedRunRequest {
  @Field(() => ID, { description: 'The job of the run.' })
  jobId!: string;

  @Field({ description: 'The job state (queued or running).' })
  state!: string;
}

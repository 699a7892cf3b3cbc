import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { FilterErrorCodeEnum, FilterWarningCodeEnum } from '../enums';
import { DateTimeScalar, JSONScalar } from '../scalars';
import { Connection } from './connection.type';
import { Profile } from './profile.type';

@ObjectType({ description: 'A saved audience: a named filter over the profiles of this namespace.', simpleResolvers: true })
export class Segment {
  @Field(() => ID, { description: 'The segment ID, used to reference it from other filters: `in segment "seg_…"`.' })
  id!: string;

  @Field({ description: 'Unique in the namespace (case-insensitively).' })
  name!: string;

  @Field({ description: 'What the audience is for.' })
  description!: string;

  @Field(() => JSONScalar, { description: 'The normalized JSON form: {"version": 1, "filter": …}.' })
  definition!: unknown;

  @Field({ description: 'The canonical text form of the definition.' })
  text!: string;

  @Field(() => Int, { description: 'Starts at 1 and grows with every update; every version is kept (see versions).' })
  version!: number;

  @Field({ description: 'Who created it (an API key prefix).' })
  createdBy!: string;

  @Field({ description: 'Who changed it last.' })
  updatedBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it last changed.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'One version of a segment.' })
export class SegmentVersion {
  @Field(() => Int, { description: 'The version number.' })
  version!: number;

  @Field({ description: 'The name at that version.' })
  name!: string;

  @Field({ description: 'The description at that version.' })
  description!: string;

  @Field(() => JSONScalar, { description: 'The definition at that version.' })
  definition!: unknown;

  @Field({ description: 'The canonical text at that version.' })
  text!: string;

  @Field({ description: 'Who saved it.' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was saved.' })
  createdAt!: Date;
}

@ObjectType({ description: 'Saved segments by name.' })
export class SegmentConnection extends Connection(Segment, 'Segment', 'segments') {}

@ObjectType({ description: 'A problem with a filter: what, and where (a path into the arguments, and for the text form a line and column).' })
export class FilterError {
  @Field(() => FilterErrorCodeEnum, { description: 'A stable code, e.g. UNKNOWN_FIELD, OPERATOR_NOT_ALLOWED, SYNTAX_ERROR (see docs/audience-dsl.md).' })
  code!: string;

  @Field({ description: 'What was wrong and what would be accepted.' })
  message!: string;

  @Field(() => [String], { description: 'Where, as a path into the arguments (the same format as every error path, see docs/api-conventions.md): e.g. ["definition", "filter", "and", "1", "value"] for the JSON form, ["definition", "expression"] (with line and column) for the text form.' })
  path!: string[];

  @Field(() => Int, { nullable: true, description: 'Line in the text expression (1-based).' })
  line!: number | null;

  @Field(() => Int, { nullable: true, description: 'Column in the text expression (1-based).' })
  column!: number | null;
}

@ObjectType({ description: 'A warning about a valid filter: it names an event type, property or property type the namespace\'s events have never had (it counts, but probably not what was meant), and where.' })
export class FilterWarning {
  @Field(() => FilterWarningCodeEnum, { description: 'A stable code: UNSEEN_EVENT_TYPE, UNSEEN_EVENT_PROPERTY, UNSEEN_PROPERTY_TYPE or UNSEEN_FIELD_VALUE.' })
  code!: string;

  @Field({ description: 'What the data has never had, and "did you mean" when a seen name is close.' })
  message!: string;

  @Field(() => [String], { description: 'Where, as a path into the arguments (the format of FilterError.path).' })
  path!: string[];

  @Field(() => Int, { nullable: true, description: 'Line in the text expression (1-based).' })
  line!: number | null;

  @Field(() => Int, { nullable: true, description: 'Column in the text expression (1-based).' })
  column!: number | null;
}

@ObjectType({ description: 'The result of validating a definition.' })
export class SegmentValidation {
  @Field({ description: 'Whether the definition is valid against this namespace.' })
  valid!: boolean;

  @Field(() => [FilterError], { description: 'Every problem found (not just the first).' })
  errors!: FilterError[];

  @Field(() => JSONScalar, { nullable: true, description: 'The normalized JSON form, when valid.' })
  normalized!: unknown;

  @Field(() => String, { nullable: true, description: 'The canonical text form, when valid.' })
  text!: string | null;

  @Field(() => [FilterWarning], { description: "For a valid definition: event types, properties and property types it names that the namespace's events have never had." })
  warnings!: FilterWarning[];
}

@ObjectType({ description: 'A definition evaluated without saving it.' })
export class SegmentPreview {
  @Field(() => Int, { description: 'How many profiles match.' })
  count!: number;

  @Field(() => [Profile], { description: 'The first matching profiles, by ID.' })
  sample!: Profile[];

  @Field(() => DateTimeScalar, { description: 'The instant relative operators were measured from.' })
  asOf!: Date;

  @Field(() => [FilterWarning], { description: "Event types, properties and property types the definition names that the namespace's events have never had: shown beside the count." })
  warnings!: FilterWarning[];
}

@ObjectType({ description: 'The SQL a definition compiles to, and its plan.' })
export class SegmentExplanation {
  @Field({ description: 'The parameterized count statement.' })
  sql!: string;

  @Field(() => [JSONScalar], { description: 'Its parameters, $1 first.' })
  params!: unknown[];

  @Field({ description: 'The EXPLAIN output (with ANALYZE and BUFFERS when asked).' })
  plan!: string;
}

@Directive('@oneOf')
@InputType({ description: 'A segment definition: exactly one of filter (JSON) or expression (text).' })
export class SegmentDefinitionInput {
  @Field(() => JSONScalar, { nullable: true, description: 'The JSON form: {"version": 1, "filter": …} or a bare filter.' })
  filter?: unknown;

  @Field(() => String, { nullable: true, description: 'The text form, e.g. email_status = "SUBSCRIBED" and did purchase within last 30 days.' })
  expression?: string | null;
}

@InputType({ description: 'A new segment.' })
export class CreateSegmentInput {
  @Field({ description: 'Unique in the namespace.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the audience is for.' })
  description?: string | null;

  @Field(() => SegmentDefinitionInput, { description: 'Its filter.' })
  definition!: SegmentDefinitionInput;
}

@InputType({ description: 'Changes to a segment; omitted parts stay. A new definition makes a new version.' })
export class UpdateSegmentInput {
  @Field(() => String, { nullable: true, description: 'A new name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new description.' })
  description?: string | null;

  @Field(() => SegmentDefinitionInput, { nullable: true, description: 'A new filter.' })
  definition?: SegmentDefinitionInput | null;

  @Field(() => Int, { nullable: true, description: 'The version this change was made to. When the segment has been saved since, nothing is saved and the error is a CONFLICT naming the current version and who saved it (extensions: currentVersion, savedBy, savedAt). Omit it to overwrite whatever is current.' })
  expectedVersion?: number | null;
}

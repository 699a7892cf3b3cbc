import { Field, ObjectType } from 'type-graphql';
import { CustomFieldIndexStateEnum, CustomFieldTypeEnum, FieldDataTypeEnum, FieldKindEnum } from '../enums';
import { DateTimeScalar } from '../scalars';

@ObjectType({ description: "A custom field's expression index: its state, since when, and why the last build failed." })
export class CustomFieldIndex {
  @Field(() => CustomFieldIndexStateEnum, { description: 'NONE, BUILDING, READY or FAILED. BUILDING is recorded before a build starts and READY only after the index was found valid.' })
  state!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the index entered its state (a build started, finished, failed, or the index was dropped); null for a field never indexed.' })
  changedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why the last build failed (the database's message, never SQL), or that an index recorded READY is missing; null otherwise." })
  error!: string | null;
}

@ObjectType({ description: 'A field of the profile catalog, for builder UIs: its names, kind, type and description.' })
export class ProfileField {
  @Field({ description: 'The name in the audience DSL, CSV headers and exports (snake_case), e.g. first_name or custom.loyalty_tier.' })
  name!: string;

  @Field({ description: 'The GraphQL field name (camelCase), e.g. firstName or loyaltyTier.' })
  graphqlName!: string;

  @Field({ description: 'Where to read it on Profile, e.g. reserved.emailHashNumber or custom.loyalty_tier.' })
  graphqlPath!: string;

  @Field(() => FieldKindEnum, { description: 'Standard, reserved, channel, dimension or custom.' })
  kind!: string;

  @Field(() => FieldDataTypeEnum, { description: 'The data type, which decides the audience operators that apply.' })
  type!: string;

  @Field(() => [String], { nullable: true, description: 'The allowed values of an ENUM field.' })
  enumValues!: string[] | null;

  @Field({ description: 'What the field means, from the source document.' })
  description!: string;

  @Field({ description: 'Whether clients may write it.' })
  writable!: boolean;

  @Field({ description: 'Whether it can be used in audience filters.' })
  filterable!: boolean;

  @Field({ description: 'Whether it appears in audience exports (dimensions never do).' })
  exportable!: boolean;

  @Field(() => CustomFieldIndex, { nullable: true, description: "A custom field's index state (NONE when not indexed); null for built-in fields, whose indexes are part of the schema." })
  index!: CustomFieldIndex | null;
}

@ObjectType({ description: 'A typed custom profile field of this namespace.' })
export class CustomField {
  @Field({ description: 'The key: in Profile.custom, and as custom.<key> in audiences and CSV headers.' })
  key!: string;

  @Field(() => CustomFieldTypeEnum, { description: 'Values are checked against it on every write.' })
  type!: string;

  @Field({ description: 'What the field means.' })
  description!: string;

  @Field({ description: 'Whether audience filters on it should be served by an index (index says whether the index is there).' })
  indexed!: boolean;

  @Field(() => CustomFieldIndex, { description: 'The state of its index: NONE when not indexed, READY once built.' })
  index!: CustomFieldIndex;

  @Field(() => DateTimeScalar, { description: 'When it was defined.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When its description or indexing last changed.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'A property seen on events of one type, with the JSON types its values have had.' })
export class EventPropertyField {
  @Field({ description: 'The property name, as written in `where (name ...)`.' })
  name!: string;

  @Field(() => [String], { description: 'The JSON types its values have had (string, number, boolean, object, array, null), in that name order.' })
  types!: string[];

  @Field(() => DateTimeScalar, { description: 'When a value of it was first seen.' })
  firstSeenAt!: Date;
}

@ObjectType({ description: "An event type seen in this namespace and the properties its events have had: the event catalog, for builder UIs." })
export class EventField {
  @Field({ description: 'The event type, as written in `did <type>`.' })
  type!: string;

  @Field(() => DateTimeScalar, { description: 'When an event of this type was first seen.' })
  firstSeenAt!: Date;

  @Field(() => [EventPropertyField], { description: 'The top-level properties seen on it, by name.' })
  properties!: EventPropertyField[];
}

import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { CustomFieldTypeEnum } from '../enums';
import { CustomField } from './catalog.type';

@InputType({ description: "Change a custom field's type, converting its stored values." })
export class ChangeCustomFieldTypeInput {
  @Field({ description: 'The key of the field.' })
  key!: string;

  @Field(() => CustomFieldTypeEnum, { description: 'The new type.' })
  type!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Only report what would convert; change nothing.' })
  dryRun!: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'Remove the values that do not convert. Without it, an applied change fails while any value does not convert.' })
  clearUnconvertible!: boolean;
}

@ObjectType({ description: 'A saved segment that uses a custom field.', simpleResolvers: true })
export class SegmentUsingField {
  @Field({ description: 'The segment ID.' })
  id!: string;

  @Field({ description: 'The segment name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Null when its own definition uses the field; otherwise the referenced segment through which it does.' })
  via!: string | null;
}

@ObjectType({ description: 'A distinct stored value that does not convert to the new type.', simpleResolvers: true })
export class UnconvertibleValue {
  @Field({ description: 'The value as stored, as text.' })
  value!: string;

  @Field(() => Int, { description: 'How many profiles hold it.' })
  profiles!: number;

  @Field({ description: 'Why it does not convert.' })
  reason!: string;
}

@ObjectType({ description: 'What a type change did, or in a dry run would do, to the stored values.', simpleResolvers: true })
export class CustomFieldTypeChange {
  @Field({ description: 'The key of the field.' })
  key!: string;

  @Field(() => CustomFieldTypeEnum, { description: 'The type before.' })
  fromType!: string;

  @Field(() => CustomFieldTypeEnum, { description: 'The type asked for.' })
  toType!: string;

  @Field({ description: 'This was a dry run: nothing changed.' })
  dryRun!: boolean;

  @Field({ description: 'The new type and the converted values are saved.' })
  applied!: boolean;

  @Field(() => Int, { description: 'Profiles with a value for the field.' })
  values!: number;

  @Field(() => Int, { description: 'Values that convert.' })
  converted!: number;

  @Field(() => Int, { description: 'Values that do not convert.' })
  unconvertible!: number;

  @Field(() => Int, { description: 'Values removed because they did not convert (applied with clearUnconvertible).' })
  cleared!: number;

  @Field(() => [UnconvertibleValue], { description: 'Up to 10 distinct values that do not convert, the most common first.' })
  samples!: UnconvertibleValue[];

  @Field(() => [SegmentUsingField], { description: 'Saved segments that use the field; an applied change is refused (CONFLICT) while there are any.' })
  usedBySegments!: SegmentUsingField[];

  @Field(() => CustomField, { description: 'The field as it is now.' })
  field!: CustomField;
}

@ObjectType({ description: 'The result of deleting a custom field.', simpleResolvers: true })
export class DeleteCustomFieldPayload {
  @Field({ description: 'The key of the deleted field.' })
  key!: string;

  @Field(() => Int, { description: 'Profiles whose value for it was removed.' })
  valuesRemoved!: number;
}

import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One problem with the input: where (a path into the request) and what was wrong.', simpleResolvers: true })
export class InputError {
  @Field(() => [String], { description: 'Path into the input, e.g. ["inputs", "3", "email"].' })
  path!: string[];

  @Field({ description: 'What was wrong and what would be accepted.' })
  message!: string;
}

@ObjectType({ description: 'Relay page information for keyset pagination.', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'Whether another page follows.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

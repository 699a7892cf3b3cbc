import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One problem with the input: where (a path into the request) and what was wrong.', simpleResolvers: true })
export class InputError {
  @Field(() => [String], { description: 'Path into the arguments, e.g. ["inputs", "3", "email"] (the format of every error path, see docs/api-conventions.md).' })
  path!: string[];

  @Field({ description: 'What was wrong and what would be accepted.' })
  message!: string;
}

@ObjectType({ description: 'Relay page information for keyset pagination (forward: `first` and `after`).', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'Whether another page follows.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede this page: true when it was asked for `after` a cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first edge; null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last edge; pass it as `after` to get the next page. Null on an empty page.' })
  endCursor!: string | null;
}

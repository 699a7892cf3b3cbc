import { Field, ID, ObjectType } from 'type-graphql';
import { RoleEnum } from '../enums';
import { DateTimeScalar } from '../scalars';

@ObjectType({ description: 'A namespace: one brand, with its own profiles, fields, segments and keys.' })
export class Namespace {
  @Field(() => ID, { description: 'The namespace ID.' })
  id!: string;

  @Field({ description: 'Short unique handle, e.g. demo.' })
  slug!: string;

  @Field({ description: 'Display name of the brand.' })
  name!: string;

  @Field({ description: 'The region used to read national phone numbers, e.g. US.' })
  defaultRegion!: string;
}

@ObjectType({ description: 'An API key. Its secret is shown once, when it is created.' })
export class ApiKey {
  @Field(() => ID, { description: 'The key ID (not the secret).' })
  id!: string;

  @Field({ description: 'A name to recognise the key by.' })
  name!: string;

  @Field(() => RoleEnum, { description: 'What the key may do.' })
  role!: string;

  @Field({ description: 'The first characters of the secret, to recognise it by.' })
  prefix!: string;

  @Field(() => DateTimeScalar, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key was revoked; null while it works.' })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A newly created API key with its secret. Store the secret now: it is never shown again.' })
export class CreatedApiKey {
  @Field(() => ApiKey, { description: 'The key, as listed by apiKeys.' })
  apiKey!: ApiKey;

  @Field({ description: 'Send as "Authorization: Bearer <secret>".' })
  secret!: string;
}

@ObjectType({ description: 'A new namespace and its first CLIENT_ADMIN key.' })
export class CreatedNamespace {
  @Field(() => Namespace, { description: 'The new namespace.' })
  namespace!: Namespace;

  @Field(() => CreatedApiKey, { description: 'Its first CLIENT_ADMIN key, with the secret.' })
  key!: CreatedApiKey;
}

@ObjectType({ description: 'Who is calling.' })
export class Viewer {
  @Field(() => Namespace, { description: "The key's namespace: every query and mutation is scoped to it." })
  namespace!: Namespace;

  @Field(() => RoleEnum, { description: "The key's role." })
  role!: string;

  @Field({ description: 'The name of the API key in use.' })
  apiKeyName!: string;
}

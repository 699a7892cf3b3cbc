import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { toApiKey, toNamespace } from '../mappers';
import { ApiKey, CreatedApiKey, CreatedNamespace, Viewer } from '../types/admin.type';
import { CreateApiKeyInput, CreateNamespaceInput } from '../types/inputs.type';

@Resolver()
export class AccessResolver {
  @Query(() => Viewer, { description: 'The namespace and role of the API key in use.' })
  async viewer(@Ctx() ctx: RequestContext): Promise<Viewer> {
    const identity = ctx.identity;
    return { namespace: toNamespace(await ctx.services.access.namespace()), role: identity.role, apiKeyName: identity.keyName };
  }

  @Query(() => [ApiKey], { description: "This namespace's API keys (CLIENT_ADMIN)." })
  async apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKey[]> {
    return (await ctx.services.access.listKeys()).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey, { description: 'Creates an API key (CLIENT_ADMIN). The secret is returned once.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput, { description: 'Name and role of the key.' }) input: CreateApiKeyInput, @Ctx() ctx: RequestContext): Promise<CreatedApiKey> {
    const issued = await ctx.services.access.createKey(input.name, input.role);
    return { apiKey: toApiKey(issued.row), secret: issued.secret };
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key (CLIENT_ADMIN). It stops working at once on this server.' })
  async revokeApiKey(@Arg('id', () => ID, { description: 'The key ID (from apiKeys).' }) id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    const revoked = await ctx.services.access.revokeKey(id);
    ctx.hooks.keyRevoked();
    return toApiKey(revoked);
  }

  @Mutation(() => CreatedNamespace, { description: 'Creates a namespace and its first CLIENT_ADMIN key. Needs the platform admin token (ADMIN_TOKEN).' })
  async createNamespace(@Arg('input', () => CreateNamespaceInput, { description: 'The new namespace.' }) input: CreateNamespaceInput, @Ctx() ctx: RequestContext): Promise<CreatedNamespace> {
    const { namespace, key } = await ctx.namespaces.create(input);
    return { namespace: toNamespace(namespace), key: { apiKey: toApiKey(key.row), secret: key.secret } };
  }
}

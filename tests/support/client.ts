import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { randomBytes } from 'node:crypto';
import { CreateNamespaceDocument } from '../generated/graphql';
import { TEST_ADMIN_TOKEN } from './app';
import { toJsonText } from './hostile';

export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; problems?: { path: string[]; message: string; code?: string; line?: number; column?: number }[]; [key: string]: unknown };
}

/** A result type whose root fields are all present (see `GraphQLClient.data`). */
export type NonNullRoot<R> = { [K in keyof R]: NonNullable<R[K]> };

export interface GraphQLResult<R> {
  status: number;
  data: R | null;
  errors?: GraphQLErrorJson[];
  /** SQL statements the request ran (x-sql-statements). */
  statements: number | null;
  body: string;
}

/** A GraphQL client over real HTTP, using the typed documents generated from schema/operations. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly key?: string,
  ) {}

  withKey(key: string | undefined): GraphQLClient {
    return new GraphQLClient(this.url, key);
  }

  async request<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResult<R>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
      body: toJsonText({ query: print(document), variables }),
    });
    const body = await response.text();
    const json = JSON.parse(body) as { data?: R | null; errors?: GraphQLErrorJson[] };
    const statements = response.headers.get('x-sql-statements');
    return { status: response.status, data: json.data ?? null, errors: json.errors, statements: statements === null ? null : Number(statements), body };
  }

  /**
   * The data of a request that must succeed, with every root field present: a GraphQL error, or a
   * root field that came back null (mutation fields are nullable, so a failed one is null), fails
   * the test. Use `request` where a root field may legitimately be null (`profileByEmail`).
   */
  async data<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<NonNullRoot<R>> {
    const result = await this.request(document, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    const missing = Object.entries(result.data as Record<string, unknown>).filter(([, value]) => value === null).map(([key]) => key);
    if (missing.length) throw new Error(`root fields ${missing.join(', ')} are null; use request() where null is expected`);
    return result.data as NonNullRoot<R>;
  }
}

/** Creates a namespace through the admin API and returns a client holding its CLIENT_ADMIN key. */
export async function newNamespace(url: string, defaultRegion = 'US'): Promise<{ client: GraphQLClient; slug: string; namespaceId: string }> {
  const slug = `ns-${randomBytes(5).toString('hex')}`;
  const admin = new GraphQLClient(url, TEST_ADMIN_TOKEN);
  const created = await admin.data(CreateNamespaceDocument, { input: { slug, name: `Namespace ${slug}`, defaultRegion } });
  return { client: new GraphQLClient(url, created.createNamespace.key.secret), slug, namespaceId: created.createNamespace.namespace.id };
}

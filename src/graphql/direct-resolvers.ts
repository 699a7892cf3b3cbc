import { GraphQLScalarType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type FieldResolverMetadata = ReturnType<typeof getMetadataStorage>['fieldResolvers'][number];
type ParamMetadata = NonNullable<FieldResolverMetadata['params']>[number];
/** A class, as type-graphql's metadata holds them (`target`, `getType()`). */
type Class = abstract new (...args: never[]) => object;

/** How one parameter of a resolver method is read from graphql's `(root, args, context, info)`. */
type ParamReader = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

/** Argument types that type-graphql passes through unchanged: scalars and enums, never input classes. */
function passesThrough(type: unknown): boolean {
  return type === String || type === Number || type === Boolean || type instanceof GraphQLScalarType || (typeof type === 'object' && type !== null);
}

/**
 * The reader of one parameter, or undefined when only type-graphql's own path reads it the same
 * way (input objects it turns into class instances, validation, `@Root('field')`, custom decorators).
 */
function readerOf(param: ParamMetadata, rootType: Class | undefined): ParamReader | undefined {
  switch (param.kind) {
    case 'root':
      if (param.propertyName !== undefined) return undefined;
      // `@Root() profile: Profile`: type-graphql converts a plain root into the class; the roots here are instances already.
      return rootType === undefined ? (root) => root : (root) => (root == null || root instanceof rootType ? root : NEEDS_CONVERSION);
    case 'context':
      return param.propertyName === undefined ? (_root, _args, context) => context : undefined;
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'arg': {
      if (param.validateFn !== undefined || (param.validateSettings !== undefined && param.validateSettings !== false)) return undefined;
      if (!passesThrough(param.getType())) return undefined;
      const name = param.name;
      return (_root, args) => args[name];
    }
    default:
      return undefined;
  }
}

/** Returned by a root reader when the root is not yet an instance of its class: type-graphql's path converts it. */
const NEEDS_CONVERSION = Symbol('needs conversion');

/**
 * Calls the resolver methods of field resolvers directly where type-graphql's wrapper adds nothing.
 *
 * type-graphql resolves each parameter through `getParams`: it sorts the parameter list, wraps every
 * `@Arg` in an async validation (a promise each, even with `validate: false`) and joins them with
 * `Promise.all`, for every call. A field resolver runs once per item: a page of 100 profiles calls
 * `Profile.events`, `Profile.phones` and `Channels.sms` 300 times, and that plumbing was about a sixth
 * of the request's allocations (CPU and heap profiles, issue 11).
 *
 * A field gets a direct resolver only when nothing is lost: no middleware and no roles on it (the
 * schema is built with no global middleware, auth checker or validation: `buildAppSchema`), and
 * every parameter is the root, the whole context, the info, or an argument of a scalar or enum type,
 * which type-graphql passes through unchanged. Anything else keeps type-graphql's resolver, and so
 * does a call whose root is not an instance of the `@Root()` class (type-graphql would convert it).
 * The resolver classes are stateless and take no constructor arguments, and the schema is built
 * with no IoC container, so the pass makes one instance of each class for the fields it rewires
 * (type-graphql's default container holds another, just as stateless). Give `buildSchema` a
 * container and this pass must take its instances from it. Returns the fields it rewired, as
 * `Type.field`.
 */
export function directFieldResolvers(schema: GraphQLSchema, resolverClasses: readonly Class[]): string[] {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((t) => [t.target, t.name]));
  const classes = new Set<unknown>(resolverClasses);
  const instances = new Map<unknown, Record<string, (...params: unknown[]) => unknown>>();
  const rewired: string[] = [];
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'external' || !classes.has(meta.target) || !meta.getObjectType) continue;
    if (meta.middlewares?.length || meta.roles?.length) continue;
    const typeName = typeNames.get(meta.getObjectType());
    const type = typeName === undefined ? undefined : schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const field = type.getFields()[meta.schemaName];
    const original = field?.resolve;
    if (!field || !original) continue;
    const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
    const readers = params.map((p) => readerOf(p, p.kind === 'root' ? (p.getType?.() as Class | undefined) : undefined));
    if (readers.some((r) => r === undefined) || params.some((p, i) => p.index !== i)) continue;
    const read = readers as ParamReader[];
    let instance = instances.get(meta.target);
    if (!instance) {
      instance = new (meta.target as new () => Record<string, (...params: unknown[]) => unknown>)();
      instances.set(meta.target, instance);
    }
    const target = instance;
    const method = meta.methodName;
    const direct: GraphQLFieldResolver<unknown, unknown> = (root, args, context, info) => {
      const values = new Array<unknown>(read.length);
      for (let i = 0; i < read.length; i++) {
        const value = read[i]!(root, args, context, info);
        if (value === NEEDS_CONVERSION) return original(root, args, context, info);
        values[i] = value;
      }
      return target[method]!(...values);
    };
    field.resolve = direct;
    rewired.push(`${typeName}.${meta.schemaName}`);
  }
  return rewired.sort();
}

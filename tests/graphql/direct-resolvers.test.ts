import 'reflect-metadata';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { Arg, buildSchema, Ctx, Field, FieldResolver, InputType, Int, ObjectType, Query, Resolver, Root, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { directFieldResolvers } from '../../src/graphql/direct-resolvers';
import { RESOLVERS } from '../../src/graphql/schema';

@ObjectType({ description: 'A test item.' })
class Thing {
  @Field({ description: 'Its name.' })
  name!: string;
}

@InputType({ description: 'A test input.' })
class Wrapping {
  @Field({ description: 'Put before the name.' })
  before!: string;
}

/** What the resolvers saw, per call: whether their root and input were class instances. */
const seen: { rootIsThing: boolean; inputIsWrapping?: boolean }[] = [];
const middlewareCalls: string[] = [];
const logged: MiddlewareFn = async ({ info }, next) => {
  middlewareCalls.push(info.fieldName);
  return next();
};

@Resolver(() => Thing)
class ThingResolver {
  @Query(() => Thing, { description: 'An instance.' })
  instance(): Thing {
    return Object.assign(new Thing(), { name: 'a' });
  }

  @Query(() => Thing, { description: 'A plain object, which type-graphql turns into a Thing for @Root().' })
  plain(): Thing {
    return { name: 'b' };
  }

  @FieldResolver(() => String, { description: 'Scalar arguments, the root and the context: called directly.' })
  label(
    @Root() thing: Thing,
    @Arg('times', () => Int, { defaultValue: 2, description: 'Repeats.' }) times: number,
    @Arg('suffix', () => String, { nullable: true, description: 'Appended.' }) suffix: string | null,
    @Ctx() ctx: { mark: string },
  ): string {
    seen.push({ rootIsThing: thing instanceof Thing });
    return `${ctx.mark}${thing.name.repeat(times)}${suffix ?? ''}`;
  }

  @FieldResolver(() => String, { description: 'An input object argument: type-graphql makes it a class instance.' })
  wrapped(@Root() thing: Thing, @Arg('with', () => Wrapping, { description: 'The wrapping.' }) wrapping: Wrapping): string {
    seen.push({ rootIsThing: thing instanceof Thing, inputIsWrapping: wrapping instanceof Wrapping });
    return `${wrapping.before}${thing.name}`;
  }

  @FieldResolver(() => String, { description: 'A middleware runs around it.' })
  @UseMiddleware(logged)
  guarded(@Root() thing: Thing): string {
    return thing.name.toUpperCase();
  }

  @FieldResolver(() => String, { description: 'Reads one property of the root.' })
  picked(@Root('name') name: string): string {
    return `<${name}>`;
  }
}

let schema: GraphQLSchema;
let rewired: string[];
beforeAll(async () => {
  schema = await buildSchema({ resolvers: [ThingResolver], validate: false, emitSchemaFile: false });
  rewired = directFieldResolvers(schema, [ThingResolver]);
});
beforeEach(() => {
  seen.length = 0;
  middlewareCalls.length = 0;
});

async function run(source: string): Promise<unknown> {
  const result = await execute({ schema, document: parse(source), contextValue: { mark: '~' } });
  if (result.errors?.length) throw result.errors[0];
  return result.data;
}

test('only a field resolver whose parameters type-graphql passes through unchanged is called directly', () => {
  expect(rewired).toEqual(['Thing.label']);
});

test('a direct resolver gets the root, the context and the arguments with their defaults', async () => {
  expect(await run('{ instance { a: label b: label(times: 3, suffix: "!") } }')).toEqual({ instance: { a: '~aa', b: '~aaa!' } });
  expect(seen).toEqual([{ rootIsThing: true }, { rootIsThing: true }]);
});

test('a root that is not yet an instance of its class goes through type-graphql, which converts it', async () => {
  expect(await run('{ plain { label } }')).toEqual({ plain: { label: '~bb' } });
  expect(seen).toEqual([{ rootIsThing: true }]);
});

test('input objects, middleware and @Root(property) keep type-graphql\'s resolver', async () => {
  expect(await run('{ instance { wrapped(with: { before: ">" }) guarded picked } }')).toEqual({ instance: { wrapped: '>a', guarded: 'A', picked: '<a>' } });
  expect(seen).toEqual([{ rootIsThing: true, inputIsWrapping: true }]);
  expect(middlewareCalls).toEqual(['guarded']);
});

test("the app's per-item field resolvers are all called directly", async () => {
  const app = await buildSchema({ resolvers: [...RESOLVERS], validate: false, emitSchemaFile: false });
  expect(directFieldResolvers(app, RESOLVERS)).toEqual(expect.arrayContaining(['Channels.sms', 'Profile.consentHistory', 'Profile.events', 'Profile.phones', 'Profile.segments', 'Segment.members']));
});

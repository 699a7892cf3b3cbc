import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './context';

/** Records each request's operation name and error codes in its context, for the request log line; ends its deadline. */
export const requestTracePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName }) {
        contextValue.trace.operation = operationName ?? null;
      },
      async willSendResponse({ contextValue, response }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
        contextValue.trace.errorCodes = (errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
        contextValue.finish();
      },
    };
  },
};

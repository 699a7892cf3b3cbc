import type { ApolloServerPlugin } from '@apollo/server';

/**
 * A problem that did not stop the request: the data is there, something was left out of it, and
 * the response says what and why under `extensions.warnings`.
 *
 * @example { code: 'SEGMENT_SKIPPED', message: 'Segment "VIP" (seg_…) was left out of Profile.segments: …', segmentId: 'seg_…' }
 */
export interface Warning {
  readonly code: string;
  readonly message: string;
  readonly [detail: string]: unknown;
}

/** The warnings of one request, each once (by `key`). */
export class Warnings {
  private readonly byKey = new Map<string, Warning>();

  add(key: string, warning: Warning): void {
    if (!this.byKey.has(key)) this.byKey.set(key, warning);
  }

  get list(): Warning[] {
    return [...this.byKey.values()];
  }
}

/** Puts the request's warnings into the response as `extensions.warnings`. */
export function warningsPlugin(): ApolloServerPlugin<{ warnings?: Warnings }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const warnings = contextValue.warnings?.list ?? [];
          if (warnings.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, warnings };
        },
      };
    },
  };
}

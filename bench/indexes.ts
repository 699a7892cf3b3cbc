import { SEGMENT_INDEXES } from '../migrations/Migration20261128020000_indexes';

/** The indexes added for segments (Migration20261128020000_indexes), by name and definition. */
export const NEW_INDEXES: readonly { readonly name: string; readonly table: string; readonly definition: string }[] = SEGMENT_INDEXES;

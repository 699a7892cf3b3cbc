import { ApiKeyRow } from './api-key.entity';
import { CustomFieldRow } from './custom-field.entity';
import { NamespaceRow } from './namespace.entity';

export { ApiKeyRow, CustomFieldRow, NamespaceRow };

export const ENTITIES = [NamespaceRow, ApiKeyRow, CustomFieldRow];

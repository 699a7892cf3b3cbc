import { ApiKeyRow } from './api-key.entity';
import { CustomFieldRow } from './custom-field.entity';
import { NamespaceRow } from './namespace.entity';
import { SegmentRow, SegmentVersionRow } from './segment.entity';

export { ApiKeyRow, CustomFieldRow, NamespaceRow, SegmentRow, SegmentVersionRow };

export const ENTITIES = [NamespaceRow, ApiKeyRow, CustomFieldRow, SegmentRow, SegmentVersionRow];

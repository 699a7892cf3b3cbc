/**
 * An event property name a filter can name (a top-level key of an event's `properties`): what the
 * audience language accepts in `with <property> …`, and what the event catalog lists.
 */
export const PROPERTY_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

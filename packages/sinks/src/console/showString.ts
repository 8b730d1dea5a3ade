// Spark's show() table lives in core (batch results print it too); the console sink prints each batch with it.
export { showString, formatCell, formatTimestamp } from '@sluice/core/connector';

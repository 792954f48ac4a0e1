import { serveReporting } from './api-graphos';

/** (1g1%) (1g) timing one operation in a hundred field by field: APOLLO_FIELD_LEVEL_INSTRUMENTATION=0.01. */
void serveReporting({ APOLLO_FIELD_LEVEL_INSTRUMENTATION: '0.01' });

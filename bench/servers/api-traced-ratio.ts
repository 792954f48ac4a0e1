import { serveTraced } from './api-traced';

/** (1t1%) (1t) sampling one request in a hundred: OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0.01. */
void serveTraced({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.01' });

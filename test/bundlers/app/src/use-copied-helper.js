// The configure recipe: the helper file was copied to static/ (not next to the bundle). Imported
// before the polyfill, so the option is set before any helper starts.
import { configure } from 'atomics-wait-async';

configure({ helperUrl: 'static/atomics-wait-async-helper.js' });

// The app with the configure recipe: set helperUrl first, then the app as usual.
import './use-copied-helper.js';
import './main.js';

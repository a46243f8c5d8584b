// <script> build: installs where needed and exposes the ponyfill as globalThis.AtomicsWaitAsync.
import * as ponyfill from './index';
import { G } from './intrinsics';

ponyfill.install();
(G as unknown as { AtomicsWaitAsync: typeof ponyfill }).AtomicsWaitAsync = ponyfill;

// Node ESM: named imports and the default export.
import init, { parseE164, TelnumError, Numbers, CallerIdPool } from 'telnum';
import * as all from 'telnum';
import { scenario, compare } from './scenario.mjs';

const errors = compare(await scenario({ ...all, init, parseE164, TelnumError, Numbers, CallerIdPool }));
console.log(errors.length === 0 ? `esm ${process.version}: ok` : errors.join('\n'));
process.exitCode = errors.length === 0 ? 0 : 1;

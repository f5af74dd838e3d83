import audiences from './audiences';
import resolve from './resolve';
import signals from './signals';

export default { audiences, resolve, signals };

import adminEvaluate from './admin-evaluate';
import adminSettings from './admin-settings';
import adminUsage from './admin-usage';
import audiences from './audiences';
import invalidate from './invalidate';
import resolve from './resolve';
import signals from './signals';

export default {
  'admin-evaluate': adminEvaluate,
  'admin-settings': adminSettings,
  'admin-usage': adminUsage,
  audiences, invalidate, resolve, signals };

import adminEvaluate from './admin-evaluate';
import adminSettings from './admin-settings';
import adminUsage from './admin-usage';
import audiences from './audiences';
import resolve from './resolve';
import signals from './signals';

export default {
  'admin-evaluate': adminEvaluate,
  'admin-settings': adminSettings,
  'admin-usage': adminUsage,
  audiences, resolve, signals };

import adminEvaluate from './admin-evaluate';
import adminSettings from './admin-settings';
import adminUsage from './admin-usage';
import adminVisitors from './admin-visitors';
import audiences from './audiences';
import events from './events';
import experiments from './experiments';
import invalidate from './invalidate';
import privacy from './privacy';
import resolve from './resolve';
import signals from './signals';

export default {
  'admin-evaluate': adminEvaluate,
  'admin-settings': adminSettings,
  'admin-usage': adminUsage,
  'admin-visitors': adminVisitors,
  events,
  experiments,
  privacy,
  audiences, invalidate, resolve, signals };

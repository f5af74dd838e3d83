// The playground admin offers French next to English (Profile → Interface language), so the
// plugin's translations can be tried; English stays the default.
export default {
  config: {
    locales: ['fr'],
  },
  bootstrap() {},
};

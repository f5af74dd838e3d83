/**
 * Every jest test file (setupFilesAfterEnv): the plugin's Redis commands are slot-checked
 * (tests/helpers/slot-check.ts), and a file that made one that spans slots fails, here or in a
 * second Strapi it started.
 */
import { installSlotCheck, slotViolations } from './slot-check';

installSlotCheck();

afterAll(() => {
  expect(slotViolations).toEqual([]);
});

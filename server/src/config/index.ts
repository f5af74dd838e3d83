import { formatZodIssues } from '../../../contracts/src/zod-issues';
import { pluginConfigSchema } from './schema';

export default {
  // Defaults live in the zod schema; Strapi deep-merges the user's config over this object.
  default: {},
  validator(config: unknown) {
    const result = pluginConfigSchema.safeParse(config);
    if (!result.success) {
      const problems = formatZodIssues(result.error.issues)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new Error(`invalid personalize config: ${problems}`);
    }
  },
};

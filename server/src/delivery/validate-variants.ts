import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import { validateVariantsValue } from '../../../contracts/src/variants/validate';
import type { DeliveryPorts } from './ports';

type DocumentMiddleware = Parameters<Core.Strapi['documents']['use']>[0];

const WRITE_ACTIONS = new Set(['create', 'update']);

/**
 * Refuses a create or update whose variants value breaks the rules (docs/design.md, "The variants
 * field") with a 400 naming the variant and path, before anything is written.
 */
export const validateVariantsMiddleware =
  (ports: Pick<DeliveryPorts, 'contentTypes' | 'settings' | 'conditions'>): DocumentMiddleware =>
  async (context, next) => {
    if (!WRITE_ACTIONS.has(context.action)) return next();
    const contentTypes = ports.contentTypes;
    const fieldName = contentTypes.getVariantsFieldName(context.uid);
    const data = (context.params as { data?: Record<string, unknown> }).data;
    if (!fieldName || !data || !(fieldName in data)) return next();

    const { limits } = ports.settings.get();
    const conditions = ports.conditions;
    const result = validateVariantsValue(data[fieldName], {
      schema: contentTypes.getSchema(context.uid)!,
      fieldName,
      getComponent: contentTypes.getComponent,
      maxVariants: limits.variantsPerEntry,
      maxConditionBytes: limits.conditionBytes,
      checkCondition: (condition) => conditions.check(condition),
    });
    if (!result.ok) throw new errors.ValidationError(result.message, { errors: result.issues });
    // Store the normalized value (defaults such as `enabled: true` filled in).
    data[fieldName] = result.value;
    return next();
  };

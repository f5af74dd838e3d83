import type { Core } from '@strapi/strapi';

/** Grants the public role content-API actions, as an admin would in Settings → Roles. */
export const grantPublic = async (strapi: Core.Strapi, actions: string[]) => {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
  for (const action of actions) {
    await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
  }
};

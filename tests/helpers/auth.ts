import type { Core } from '@strapi/strapi';
import request from 'supertest';

/** Creates an API token and returns its secret, for `Authorization: Bearer <token>`. */
export const createApiToken = async (
  strapi: Core.Strapi,
  type: 'read-only' | 'full-access' | 'custom',
  permissions: string[] = []
): Promise<string> => {
  const token = await strapi.service('admin::api-token').create({
    name: `test-${type}-${Math.random().toString(36).slice(2)}`,
    type,
    lifespan: null,
    permissions: type === 'custom' ? permissions : undefined,
  });
  return token.accessKey as string;
};

let adminCounter = 0;

/**
 * Creates an admin user with the given role (the super admin role by default) and logs in through
 * the real admin login route; returns the bearer token for admin routes.
 */
export const createAdminSession = async (
  strapi: Core.Strapi,
  options: { roleId?: number } = {}
): Promise<{ token: string; email: string }> => {
  adminCounter += 1;
  const email = `admin${adminCounter}-${Date.now()}@example.com`;
  const password = 'TestPassword123!';
  const roleId = options.roleId ?? (await strapi.service('admin::role').getSuperAdmin()).id;
  await strapi.service('admin::user').create({
    email,
    firstname: 'Test',
    lastname: `Admin${adminCounter}`,
    password,
    isActive: true,
    roles: [roleId],
  });
  const response = await request(strapi.server.httpServer).post('/admin/login').send({ email, password });
  const token = response.body?.data?.token ?? response.body?.data?.accessToken;
  if (!token) throw new Error(`admin login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { token, email };
};

/** An admin role with the given permissions (`subject` null unless given); its id, for createAdminSession. */
export const createRole = async (
  strapi: Core.Strapi,
  name: string,
  permissions: { action: string; subject?: string; properties?: object }[]
): Promise<number> => {
  const role = await strapi.service('admin::role').create({ name, description: `test role: ${name}` });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    permissions.map((permission) => ({ subject: null, ...permission }))
  );
  return role.id as number;
};

import { changePassword, login, logout, refresh } from '@shared/application/identity/auth';
import type { Dependencies } from '@shared/application/ports';
import { valueOrThrow } from '@shared/http/commands';
import type { GroupImplementations } from '@shared/http/http-handler';

/** The auth group's routes. */
export function authRoutes(deps: Dependencies): GroupImplementations<'auth'> {
  return {
    login: async ({ body }) => ({ body: valueOrThrow(await login(deps, body)) }),
    refreshTokens: async ({ body }) => ({
      body: valueOrThrow(await refresh(deps, body.refreshToken)),
    }),
    logout: async ({ body }) => {
      await logout(deps, body.refreshToken);
      return { body: '', status: 204 };
    },
    changePassword: async ({ body, principal }) => {
      if (principal === undefined) throw new Error('The edge let an anonymous caller through');
      valueOrThrow(await changePassword(deps, principal, body));
      return { body: '', status: 204 };
    },
  };
}

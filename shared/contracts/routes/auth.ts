import * as z from 'zod';
import { defineRoute } from '../route';

const TokensSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    refreshToken: z.string(),
  })
  .meta({ id: 'Tokens' });

const Secret = z.string().min(1).max(256);
const RefreshBody = z.strictObject({ refreshToken: z.string().min(10).max(512) });

/** Sign-in, token rotation and sign-out (API.md: login and refresh need no token). */
export const authRoutes = {
  login: defineRoute({
    method: 'POST',
    path: '/auth/login',
    group: 'auth',
    permission: 'public',
    summary: 'Sign in with a username and password',
    description:
      'Five consecutive failures lock the user for a cooldown; every failure answers alike.',
    body: z
      .strictObject({ username: z.string().min(1).max(64), password: Secret })
      .meta({ id: 'LoginRequest' }),
    success: {
      status: 200,
      description: 'An access token and a single-use refresh token',
      schema: TokensSchema,
    },
    errorCodes: ['INVALID_CREDENTIALS'],
  }),
  refreshTokens: defineRoute({
    method: 'POST',
    path: '/auth/refresh',
    group: 'auth',
    permission: 'public',
    summary: 'Exchange a refresh token for new tokens (each refresh token works once)',
    body: RefreshBody.meta({ id: 'RefreshRequest' }),
    success: { status: 200, description: 'New tokens', schema: TokensSchema },
    errorCodes: ['INVALID_REFRESH_TOKEN'],
  }),
  logout: defineRoute({
    method: 'POST',
    path: '/auth/logout',
    group: 'auth',
    permission: 'authenticated',
    summary: 'Revoke the session behind a refresh token',
    body: RefreshBody,
    success: { status: 204, description: 'Signed out' },
  }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/auth/change-password',
    group: 'auth',
    permission: 'authenticated',
    summary: "Change the caller's password",
    body: z
      .strictObject({ currentPassword: Secret, newPassword: Secret })
      .meta({ id: 'ChangePasswordRequest' }),
    success: { status: 204, description: 'Changed' },
    errorCodes: ['INVALID_CREDENTIALS', 'PASSWORD_POLICY_VIOLATION'],
  }),
} as const;

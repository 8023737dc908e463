// Wire types for the calls the web app makes, taken from the shared contracts.
// Type-only imports: none of the schema runtime ends up in the bundle.
import type { ErrorBody, LoginRequest, Me, Role } from '@overcast/contracts';

export type { LoginRequest, Role };

/** Who is signed in, in which organization, with which role (POST /auth/login, GET /me). */
export type Session = Me;
export type User = Me['user'];
export type Organization = Me['organization'];

/** Every non-2xx response from the API carries this body. */
export type ApiErrorBody = ErrorBody;

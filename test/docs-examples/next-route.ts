import { createFetchTokenHandler } from 'jwt-bearer-grant/fetch';
import { tokenEndpointOptions } from './token-options.js';

const token = createFetchTokenHandler(tokenEndpointOptions);

// Every method goes to the handler, so a GET gets the OAuth 405 with Allow: POST. A method the route does not
// export would get Next's own 405, without the OAuth body and the no-store headers.
export const POST = token;
export const GET = token;
export const PUT = token;
export const PATCH = token;
export const DELETE = token;

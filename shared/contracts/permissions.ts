/** The permission names routes declare; defined by the identity domain. */
export { permissions, type Permission } from '../domain/identity/permissions';

export * from './invitations';
export * from './members';
export * from './organizations';
export * from './teams';

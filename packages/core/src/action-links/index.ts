export * from './links';
export * from './mattermost';
export * from './redeem';
export * from './token';

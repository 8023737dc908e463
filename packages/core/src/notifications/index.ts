export * from './channels';
export * from './deliver';
export * from './notifier';

// A refusal of the emulated vCenter, rendered as vSphere's `{ error_type, messages }`.

export class VcError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly id = 'com.vmware.api.vcenter.error',
  ) {
    super(message);
  }
}

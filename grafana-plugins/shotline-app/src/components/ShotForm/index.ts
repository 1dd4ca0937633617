export { ShotForm, type ShotFormProps } from './ShotForm';
export { FieldRow, type FieldRowProps } from './FieldRow';
export * from './types';
export { firstEmptyInputId, isVisible, applyPreset, ids as shotFormIds, errorTarget } from './logic';

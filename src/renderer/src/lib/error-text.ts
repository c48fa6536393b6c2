import { errorMessage } from '../../../shared/error-message'
/**
 * Browser mode copies what a person uploads into a private temporary folder on the server
 * (`<tmp>/digit-lab-upload-<pid>-<id>/`), whose path they never chose nor saw: in text shown to them,
 * that prefix goes, leaving the name they uploaded (`digits/7/fake.png`).
 */
const UPLOAD_ROOT = /(?:[A-Za-z]:)?(?:[\\/][^\\/\s"'()]+)*?[\\/]digit-lab-upload-\d+-[A-Za-z0-9]{6}(?:[\\/]|(?=[\s"'(),;:]|$))/g

/** `text` with every upload folder's path cut down to the name that was uploaded. */
export function withoutUploadFolders(text: string): string {
  return text.replace(UPLOAD_ROOT, '')
}

/** Whether `path` lies in a browser upload's temporary folder. */
export function isUploaded(path: string): boolean {
  return withoutUploadFolders(path) !== path
}

/** What went wrong, for a person: the error's message, with upload folders named as they were uploaded. */
export function errorText(error: unknown): string {
  return withoutUploadFolders(errorMessage(error))
}

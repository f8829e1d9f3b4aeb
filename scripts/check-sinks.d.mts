/** Every markup or code sink in one file's source, as `line: what`. */
export function findSinks(fileName: string, source: string): string[]

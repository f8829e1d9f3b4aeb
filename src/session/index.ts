export { $session, sessionChoice, setCountry, setExperience, startSession } from './session.js'
export type { Session } from './session.js'

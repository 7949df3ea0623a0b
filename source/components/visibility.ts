// Whether a part is on screen. The console keeps views hidden under the one shown (for esc): what ticks in them
// (a spinner, an elapsed time) waits until they are shown again.
import {createContext, useContext} from 'react';

export const OnScreenContext = createContext(true);

export function useOnScreen(): boolean {
	return useContext(OnScreenContext);
}

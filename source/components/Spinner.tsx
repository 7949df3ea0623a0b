// A spinner with a label and elapsed seconds, for loads that take a moment.
import React, {useEffect, useRef, useState} from 'react';
import {Text} from './Styled.js';
import {useOnScreen} from './visibility.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner({label = 'loading'}: {readonly label?: string}) {
	const [tick, setTick] = useState(0);
	const startedAt = useRef(Date.now());
	const onScreen = useOnScreen();
	useEffect(() => {
		if (!onScreen) return; // in a view kept hidden under another: nothing to draw
		const timer = setInterval(() => setTick(t => t + 1), 120);
		return () => clearInterval(timer);
	}, [onScreen]);
	const seconds = Math.floor((Date.now() - startedAt.current) / 1000);
	return (
		<Text dimColor wrap="truncate">
			{frames[tick % frames.length]} {label}
			{seconds >= 1 ? ` ${seconds}s` : ''}
		</Text>
	);
}

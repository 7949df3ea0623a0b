// A spinner with a label and elapsed seconds, for loads that take a moment.
import React, {useEffect, useState} from 'react';
import {Text} from './Styled.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner({label = 'loading'}: {readonly label?: string}) {
	const [tick, setTick] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => setTick(t => t + 1), 120);
		return () => clearInterval(timer);
	}, []);
	const seconds = Math.floor((tick * 120) / 1000);
	return (
		<Text dimColor wrap="truncate">
			{frames[tick % frames.length]} {label}
			{seconds >= 1 ? ` ${seconds}s` : ''}
		</Text>
	);
}

import React from 'react';
import zod from 'zod';
import WatchCommand from '../../app/WatchCommand.js';
import {watchOptions} from '../../app/watch-options.js';

export const description = 'Routes in progress: waypoints done, next stop, ETA drift, charge vs energy still needed';

export const options = watchOptions;

type Props = {options: zod.infer<typeof options>};

export default function WatchRoutes({options}: Props) {
	return <WatchCommand kind="routes" options={options}/>;
}

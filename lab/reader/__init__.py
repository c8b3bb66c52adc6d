"""Train, export, ship and calibrate the reader (`make train-reader`, `make ship-reader`,
`make eval-held-out`)."""

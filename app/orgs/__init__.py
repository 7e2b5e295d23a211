"""The union org tree, officer roles and the scope rules every domain uses."""

cd ~/hello-prefect
